"""The straightforward script dis-price replaces: price a CSV of jobs with csv + decimal."""
import csv
import sys
from decimal import Decimal, ROUND_HALF_UP

RATE = Decimal("0.001206")
UNIT = Decimal(1024 * 1024)
PLACES = Decimal("0.0001")

reader = csv.DictReader(open(sys.argv[1], newline=""))
writer = csv.writer(sys.stdout)
writer.writerow(["line", "steps", "size", "count", "units", "price"])
total = Decimal(0)
for line, row in enumerate(reader, start=2):
    steps, count = int(row["steps"]), int(row["n"])
    width, height = (int(x) for x in row["size"].split("x"))
    units = Decimal(steps * width * height * count) / UNIT
    exact = units * RATE
    total += exact
    writer.writerow([line, steps, row["size"], count, units, exact.quantize(PLACES, ROUND_HALF_UP)])
writer.writerow(["total", "", "", "", "", total.quantize(PLACES, ROUND_HALF_UP)])
