"""Road networks from files and graphs: the simulated city, OpenStreetMap XML extracts, GeoJSON lines."""
