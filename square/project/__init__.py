"""The project-wide plumbing: settings, root URLs, WSGI/ASGI, middleware, caching, rate
limits and the hook registry. Kept apart from the posts app so a reader can tell which
code serves the whole site and which is the square's own."""
