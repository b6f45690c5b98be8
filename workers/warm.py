"""Imported by the enrichment processes' fork server only (workers/enrichpool.py): the knowledge base
and the automaton are built there once, and every enrichment process forked from it starts warm."""

import gc

from workers.pipeline import warm_up

warm_up()
# what is built now lives as long as the process: kept out of the collector's passes, so that the
# forked processes do not copy the pages a collection would touch
gc.freeze()
