"""Imported by the enrichment processes' fork server only (workers/enrichpool.py): the knowledge base
and the automaton are built there once (and kept out of the collector's passes), and every enrichment
process forked from it starts warm."""

from workers.pipeline import warm_up

warm_up()
