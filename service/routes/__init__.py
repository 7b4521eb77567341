"""The HTTP routes, one module per resource; each route validates, calls the core or a store, maps the result."""
