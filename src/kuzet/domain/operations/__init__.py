"""The room's work: alerts, incidents, patrol units, citizen calls, SOS buttons, municipal tickets."""
