"""Signals assessments sends where a save signal cannot say it: training done elsewhere
imported in bulk (bulk inserts send no save signals). Other apps listen; assessments imports
none of them."""

from django.dispatch import Signal

# Sent after a confirmed import with `trainee_ids`: their verified evidence changed.
external_training_imported = Signal()
