"""Campaign models arrive with the campaigns issues; the app is installed from day one."""
