"""Bearer-token authentication (OAuth2/OIDC JWTs, RS256) and the mapping of token roles to the
on-chain roles of app/protocol/roles.py."""
