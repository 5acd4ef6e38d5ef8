"""The straightforward script dis-price replaces for API request bodies: price JSON Lines of
image requests with json + decimal, writing what `dis-price batch FILE --format csv` writes."""
import csv
import json
import sys
from decimal import Decimal, ROUND_HALF_UP, getcontext

getcontext().prec = 60  # every figure here is exact well within 60 digits
RATE = Decimal("0.001206")
UNIT = Decimal(1024 * 1024)
PLACES = Decimal("0.0001")


def shown(exact):
    """Rounded to 4 places; an amount that is not zero is never shown as zero: it is shown at
    the first place where it is not."""
    places = PLACES
    rounded = exact.quantize(places, ROUND_HALF_UP)
    while rounded == 0 and exact != 0:
        places = places / 10
        rounded = exact.quantize(places, ROUND_HALF_UP)
    return format(rounded, "f")


def plain(d):
    """An exact figure with no trailing zeros and no exponent."""
    return format(d.normalize(), "f")


writer = csv.writer(sys.stdout, lineterminator="\n")
# Under a tariff that also prices chat and speech, a JSON Lines listing carries their columns
# (blank on image rows), the row's kind and its exact price.
writer.writerow(["line", "model", "kind", "steps", "size", "count", "units", "input_tokens",
                 "output_tokens", "seconds", "seconds_charged", "exact", "price"])
BLANK = ["", "", "", ""]
images, units_total, total = 0, Decimal(0), Decimal(0)
with open(sys.argv[1], encoding="utf-8") as f:
    for line, text in enumerate(f, start=1):
        body = json.loads(text)
        steps, count, size = body["num_inference_steps"], body["n"], body["size"]
        width, height = (int(x) for x in size.split("x"))
        units = Decimal(steps * width * height * count) / UNIT
        exact = units * RATE
        images += count
        units_total += units
        total += exact
        writer.writerow([line, body["model"], "exact", steps, size, count, plain(units),
                         *BLANK, plain(exact), shown(exact)])
price = shown(total)
writer.writerow(["subtotal", "flux-dev", "exact", "", "", images, plain(units_total), *BLANK,
                 plain(total), price])
writer.writerow(["total", "", "exact", "", "", images, "", *BLANK, plain(total), price])
