"""The compiled docxtpl engine and its direct serialisation."""
