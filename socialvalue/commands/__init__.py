"""Click command groups, each registered in :mod:`socialvalue.cli` with one ``main.add_command`` line."""
