"""Start pages by role: the home page (`/`) and, later, the city/county/department dashboards."""
