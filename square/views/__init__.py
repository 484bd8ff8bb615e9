"""Views stay thin: parse the request, call one selector or service, render."""
