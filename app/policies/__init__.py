"""The money rules (PolicyRegistry): its versions, read-only."""
