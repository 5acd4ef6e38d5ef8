//! The notes and examples that end each command's `--help` and its man page.

/// After `dis-price --help`.
pub(super) const MAIN: &str = "\
Examples:
  dis-price --steps 20 --size 512x512                 price one image
  dis-price --steps 28 --size 1024 -n 4               four 1024x1024 images at 28 steps
  dis-price --model \"Llama-3.3 70B\" --input-tokens 1500 --output-tokens 400
                                                      one chat request, per token
  dis-price --model chatterbox --seconds 12.25        12.25 seconds of speech
  dis-price --audio reply.wav                         a speech result, from its WAV file
  dis-price --steps 20 --size 512 --format plain      the amount alone, for scripts
  dis-price table                                     the published grid, from the model
  dis-price table --steps 10..50:10 --sizes 512,1024 --format markdown
  dis-price check                                     the model against the published prices
  dis-price batch jobs.csv --budget 25                price a file of jobs; exit 1 over budget
  dis-price afford --budget 10 --steps 28 --size 1024 how many images 10 USD buys
  dis-price tariff > mine.toml                        start a custom tariff

Exit status: 0 success, 1 a check failed (a published cell off, over budget), 2 bad usage or bad
input.";

/// After `dis-price table --help`.
pub(super) const TABLE: &str = "\
Examples:
  dis-price table                                   the published grid's axes
  dis-price table --steps 10..50:10 --sizes 512,768,1024
  dis-price table --format csv > grid.csv";

/// After `dis-price check --help`.
pub(super) const CHECK: &str = "\
Examples:
  dis-price check
  dis-price check --format json | jq '.models[].cells[] | select(.status != \"exact\")'

Exit status: 0 every cell within tolerance, 1 a cell is off, 2 bad input.";

/// After `dis-price batch --help`.
pub(super) const BATCH: &str = "\
Input: CSV with a header (columns steps, size, and optionally count or n, model, width and height
instead of size; other columns are carried through to per-job output), or JSON Lines with the same
keys or the API's request bodies ({\"num_inference_steps\": 20, \"size\": \"512x512\", \"n\": 2, ...};
model matches an id, alias or display name in any case; prompt, seed, guidance_scale, style,
response_format and OpenAI's user, quality, output_format, output_compression, background,
moderation, stream, safety_identifier and partial_images of 0 are ignored, other keys refused
unless named with --ignore-key). The form follows the
extension (.csv, .jsonl, .ndjson) or --input; from a stream (-, no FILE when stdin is a pipe,
/dev/stdin, a named pipe, <(...)), a first line starting with { means JSON Lines. A missing field takes the model's default. Lines are read up to 1 MiB.

With --baseline BASE, FILE is compared with BASE under the same tariff: the totals, the change
and its percentage, jobs and images on each side, the change per model and the sizes that changed
most. With --baseline-tariff OLD.toml, FILE (or BASE) is priced under OLD.toml as the base. Both
sides are read in full before anything is written. --fail-above and --fail-increase gate a rise
(exit 1); --warn-above and --warn-increase only warn. A base of 0 has no percentage: a new workload
is judged by --fail-increase and --budget, not by percent. --format github writes annotations and
fills GitHub's job summary and step outputs.

Dates: a CSV date (or created) column, or a JSON created (or date) key, prices the row at the rate
in force on its day: YYYY-MM-DD, an RFC 3339 time with its offset (its UTC day), or a Unix
timestamp in whole seconds as the API's created is. A row without one is priced on --as-of (default
today, UTC). Dated rows show their day and rate (columns date and rate; in a file with chat or
speech rows also input_rate, output_rate and per: a chat row's two rates, each per that many
tokens, its rate cell blank).

Examples:
  dis-price batch jobs.csv
  dis-price batch requests.jsonl --summary --budget 25 --warn-at 80
  generate-requests | dis-price batch - --format json > priced.json
  dis-price batch jobs.csv --format plain                       the total alone
  dis-price batch jobs.csv --baseline base.csv --fail-above 10 --format markdown
  dis-price batch jobs.csv --baseline base.csv --warn-above 5 --fail-increase 5 --format github
  dis-price --tariff new.toml batch jobs.csv --baseline-tariff old.toml
  dis-price --tariff prices.toml batch november.csv --as-of 2026-11-30
  dis-price batch --schema > batch.schema.json                  what --format json writes

Exit status: 0 success, 1 over budget or a rise past --fail-above/--fail-increase, 2 a bad row or
bad input.";

/// After `dis-price afford --help`.
pub(super) const AFFORD: &str = "\
Examples:
  dis-price afford --budget 10 --steps 28 --size 1024x1024     how many images
  dis-price afford --budget 10 --count 500 --size 1024         the most steps per image
  dis-price afford --budget 10 --steps 28 --size 1024 --format plain   the count alone

Exit status: 0 success, 2 bad input or a count too large to compute exactly.";

/// After `dis-price models --help`.
pub(super) const MODELS: &str = "\
Examples:
  dis-price models
  dis-price models --format json | jq -r '.models[].id'    the ids, one a line
  dis-price --tariff mine.toml models";

/// After `dis-price tariff --help`.
pub(super) const TARIFF: &str = "\
Examples:
  dis-price tariff > mine.toml && dis-price --tariff mine.toml check
  dis-price tariff --schema > tariff.schema.json";

/// After `dis-price fit --help`.
pub(super) const FIT: &str = "\
Examples:
  dis-price fit
  dis-price --tariff new-prices.toml fit --write     set the rate to the suggested one

Exit status: 0 a rate shows every cell within tolerance, 1 none does, 2 bad input.";

/// After `dis-price diff --help`.
pub(super) const DIFF: &str = "\
Examples:
  dis-price diff old.toml new.toml
  dis-price diff old.toml new.toml --format markdown --fail-above 10
  dis-price diff prices.toml --as-of 2026-11-30 --to 2026-12-01   one tariff on two days

Besides the cells, diff reports every change that alters what a job pays or whether it can be
priced: the rate, the minimum per image, limits, default steps and size, the default model, removed
or moved model names and aliases, and the display rounding. Tariffs in different currencies are an
error.

Exit status: 0 success, 1 a change went past --fail-above, 2 bad input.";

/// After `dis-price validate --help`.
pub(super) const VALIDATE: &str = "\
Warnings (not errors): a published cell the model is off by more than the tolerance (at the rate
in force on as_of, for dated rates), an as_of in
the future, an as_of more than 90 days before today (prices may have changed), a model without a
published table. Today is the UTC date, or DIS_PRICE_TODAY when set.

Examples:
  dis-price validate mine.toml
  dis-price validate --strict mine.toml

Exit status: 0 clean (or warnings only, without --strict), 1 warnings with --strict, 2 errors.";

/// After `dis-price completions --help`.
pub(super) const COMPLETIONS: &str = "\
Examples:
  dis-price completions fish > ~/.config/fish/completions/dis-price.fish
  source <(dis-price completions bash)        in ~/.bashrc: works with or without bash-completion
  source <(dis-price completions zsh)         in ~/.zshrc, after compinit

Shells: bash, elvish, fish, powershell, zsh. In bash, zsh and fish, --model <TAB> offers the
tariff's models (of --tariff or DIS_PRICE_TARIFF when set, at the time of the TAB).";

/// After `dis-price man --help`.
pub(super) const MAN: &str = "\
Examples:
  dis-price man | man -l -                      read the main page
  dis-price man table | man -l -                the page of `dis-price table`
  dis-price man --dir ~/.cargo/share/man/man1   install every page where man looks";
