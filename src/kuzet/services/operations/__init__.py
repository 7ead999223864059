"""Use cases of the room's work: alert routing, incidents, dispatch by road, the field, the live feed."""
