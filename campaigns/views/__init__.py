"""The public campaign pages (pages), their draws' results (results) and the winner's
own rewards page under /me/ (rewards): thin views over the selectors and services."""
