"""Pages composed from several apps: a city's page (its practices, its schemes, its plan's due
actions). The apps below know nothing of it; it only reads them."""
