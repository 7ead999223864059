"""Use cases of users: accounts, sign-in and its throttle."""
