"""Media: MediaInfo facts of videos (in-process or in the long-lived parse worker), the video/audio judges and the ffmpeg commands that fix what they find."""
