"""Takes greeting jobs off the Redis list the API pushes to."""
import os

import redis

r = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://redis:6379"))

while True:
    _, job = r.blpop("jobs")
    print(f"greeting #{job.decode()} delivered", flush=True)
