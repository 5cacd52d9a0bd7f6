"""Setting a site up: the reference data every site has (`manage.py seed`: themes, cities,
toolkits) and, for development and trying the site only, the demo (`seed --demo`: people, the
CITIES GROW programme, Athens's action plan) and generated data for load tests
(`manage.py generate_data`). It sits above every app and no app imports it."""
