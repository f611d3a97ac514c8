"""The custom User with its role and scope, sign-in, and the access helpers every view uses."""
