"""Named lists of a workspace that projects refer to: clients and project categories.

Both behave alike: names unique per workspace (case-insensitively), admins manage them,
and one cannot be deleted while a live project refers to it (409 `<kind>_in_use`);
deleted projects let go of it silently.
"""
