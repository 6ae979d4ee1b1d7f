"""Officials: every act of a person is signed with that official's own key.

A token names its official in the `officer` claim (the official's account); the gateway signs the
act with `officer:<checksum address>` from the signers file, and only for an official the
AgencyDirectory holds (for the token's agency, when the act belongs to one). Shared keys
(`agency:<id>`, `role:<ROLE>`) never sign a person's act: the contracts' events then name the
official, and four-eyes rules compare people, not agencies (docs/decisions/0019).
"""
