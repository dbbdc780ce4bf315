"""The web face's routes, one module per group: record, alliance, treaty, simulation (the JSON API under
``/api``), pages (HTML) and assets (CSS, JavaScript, the chart library)."""
