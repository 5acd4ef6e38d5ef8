"""Writes N lines of a mixed Distribute workload as JSON Lines: gen_mixed.py N FILE.

A quarter each: image request bodies, chat results with usage, chat requests with max_tokens
(priced as upper bounds), and speech requests with seconds (estimates)."""
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
r = random.Random(1)
words = ("summarise the quarterly report in three bullet points, translate this paragraph "
         "into French, write a haiku about rain, list three primes, explain recursion simply, "
         "\"quoted\" words, café, über").split(" ")
text = lambda lo, hi: " ".join(r.choice(words) for _ in range(r.randint(lo, hi)))
chat = ("Llama-3.1 8B", "Llama-3.3 70B")
with open(path, "w", encoding="utf-8") as f:
    for i in range(n):
        kind = i % 4
        if kind == 0:
            side = lambda: r.choice((r.randint(1, 999), 1024))
            line = {"model": "flux-dev", "prompt": text(10, 40),
                    "num_inference_steps": r.randint(1, 50), "size": f"{side()}x{side()}",
                    "n": r.randint(1, 8)}
        elif kind == 1:
            p, c = r.randint(1, 8000), r.randint(1, 2000)
            line = {"id": f"chatcmpl-{i}", "object": "chat.completion", "model": r.choice(chat),
                    "choices": [], "usage": {"prompt_tokens": p, "completion_tokens": c,
                                             "total_tokens": p + c}}
        elif kind == 2:
            line = {"model": r.choice(chat),
                    "messages": [{"role": "system", "content": "You are terse."},
                                 {"role": "user", "content": text(5, 60)}],
                    "max_tokens": r.randint(16, 1024), "temperature": 0.2}
        else:
            line = {"model": "Chatterbox", "input": text(3, 30), "voice": "alloy",
                    "seconds": round(r.uniform(0.2, 30), 2)}
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
