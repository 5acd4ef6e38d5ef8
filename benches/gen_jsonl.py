"""Writes N API request bodies as JSON Lines: gen_jsonl.py N FILE."""
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
r = random.Random(1)
words = ("a photo of a red fox in a snowy forest at dawn, cinematic lighting, highly detailed, "
         "35mm, shallow depth of field, soft bokeh, trending on artstation, oil painting, "
         "watercolor, portrait of an old sailor, city skyline at night, neon, rain, reflections, "
         "\"quoted\" words, café, über").split(" ")
with open(path, "w", encoding="utf-8") as f:
    for _ in range(n):
        # Sides the API accepts: 1 to 999, or 1024.
        side = lambda: r.choice((r.randint(1, 999), 1024))
        body = {
            "model": "flux-dev",
            "prompt": " ".join(r.choice(words) for _ in range(r.randint(20, 60))),
            "num_inference_steps": r.randint(1, 50),
            "size": f"{side()}x{side()}",
            "n": r.randint(1, 8),
            "seed": r.randint(0, 2**32 - 1),
        }
        f.write(json.dumps(body, ensure_ascii=False) + "\n")
