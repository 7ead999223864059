"""Users, roles, permissions, tenants and sign-in."""
