"""Faust glue: the app, its topics, the table and the agents.  No detection logic here."""
