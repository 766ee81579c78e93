"""Media: MediaInfo facts of videos (facts.py; libmediainfo through its C API in libmediainfo.py, in this
process under a watchdog or in the long-lived parse worker of worker.py), frame timing from the frames
themselves (frames.py), the video/audio judges (rules.py) and the ffmpeg commands that fix what they find."""
