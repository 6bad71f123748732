"""Staff skills: the skills workspace's staff profiles carry (`workspace.staff.*`)."""
