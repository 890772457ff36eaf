"""The real speech engines behind small protocols: speech out, audio in, recognition, models."""
