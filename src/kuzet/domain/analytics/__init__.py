"""What the video analytics saw, as commands and events."""
