#!/usr/bin/env bash
# The CIFAR-100 protocol in two regimes, both scenarios (Si-Blurry N=50 M=10 and disjoint, 5 tasks), several methods and seeds:
#   novel vocabulary  pretrain models/cifar-vit-small.json on 50 base classes, stream the other 50 (their names are new words);
#                     the 50 base classes' test images measure retention.
#   known vocabulary  pretrain models/cifar-vit-small-known.json on all 100 classes with the first 100 training images of each,
#                     stream the other 400 images of 80 classes; 20 classes never streamed are the retention controls.
# Reference rows in every table: zero-shot, running class means (rcm: online class means of the frozen image embeddings).
#   scripts/eval-cifar100.sh           every method, 3 seeds, both regimes; writes docs/results.md (plots in docs/results/)
#   scripts/eval-cifar100.sh --quick   1 seed, the reference rows, SIT-LoRA with and without prototype logits, all-seen-LoRA;
#                                      writes docs/results-quick.md (plots in docs/results-quick/)
# Durations (2026-12-05, AMD, patch-8 recipe): a SIT-LoRA run of 22,500 stream samples ~165 samples/s on 1 thread (~2.5 min),
# a zero-shot or rcm run ~1,100 samples/s; pretraining 33 min (novel, 1 thread beside another run). The whole page is
# 2 regimes x 2 scenarios x 8 methods x 3 seeds, about 3 hours on 2 idle cores plus the two pretrainings.
# Pretrained models are cached by recipe content + seed under runs/eval-cifar100/pretrained; finished runs are skipped and
# interrupted ones resumed, so rerunning continues where it stopped. Needs ../shared/data (or ONNXOLL_DATA); ONNXOLL_CLI
# (a command, e.g. "dotnet /path/onnxoll.dll") runs another build of the CLI instead of building this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
data=${ONNXOLL_DATA:-../shared/data}
cifar=$data/cifar100_jpg
for f in "$cifar/cifar100_train_jpg.tar" "$cifar/cifar100_test_jpg.tar" "$cifar/coarse_to_fine.json" "$data/clip_hf_tokenizer/vocab.json"; do
  [[ -f $f ]] || { echo "eval-cifar100: $f not found (set ONNXOLL_DATA to the shared data folder)" >&2; exit 2; }
done

root=runs/eval-cifar100
pretrain_seed=0
spec="tar:train=$cifar/cifar100_train_jpg.tar,test=$cifar/cifar100_test_jpg.tar"

if [[ -n ${ONNXOLL_CLI:-} ]]; then
  read -ra cli <<< "$ONNXOLL_CLI"
else
  dotnet build src/OnnxOll.Cli -c Release -v quiet -nologo
  cli=(dotnet artifacts/bin/OnnxOll.Cli/release/onnxoll.dll)
fi

# Pretrains (or resumes) a recipe once; prints the model folder.
pretrained() {
  local recipe=$1 model
  model=$root/pretrained/$(basename "$recipe" .json)-$(sha256sum "$recipe" | cut -c1-8)-s$pretrain_seed
  if [[ ! -f $model/pretrain.json ]]; then
    local resume=()
    [[ -d $model/pretrain-run ]] && resume=(--resume)
    "${cli[@]}" pretrain --recipe "$recipe" --data "$spec" --tokenizer "$data/clip_hf_tokenizer" \
      --hierarchy "$cifar/coarse_to_fine.json" --seed "$pretrain_seed" --out "$model" "${resume[@]}" >&2
  fi
  echo "$model"
}

# Methods: name and learn options. LoRA r=4, alpha=1 on the fused q,k,v (one shared A) and the output projection in every
# block, B zero-initialised; the bottleneck adapter as in the paper (64, ReLU, dropout 0.1, scale 0.1).
lora_both="lora:r=4,alpha=1,towers=both,targets=qkv+o"
declare -A methods=(
  [zero-shot]="--zero-shot --pet $lora_both"
  [rcm]="--zero-shot --prototype-weight 1 --pet $lora_both"
  [sit-lora-image]="--loss sit --pet lora:r=4,alpha=1,towers=image,targets=qkv+o"
  [sit-lora-both]="--loss sit --pet $lora_both"
  [sit-lora-both-proto]="--loss sit --prototype-weight 0.5 --pet $lora_both"
  [all-lora-both]="--loss all --pet $lora_both"
  [sit-adapter]="--loss sit --dropout --pet adapter:dim=64,scale=0.1,dropout=0.1,towers=both"
  [sit-lora-both-double-softmax]="--loss sit --compat-double-softmax --pet $lora_both"
)
if (( quick )); then
  order=(zero-shot rcm sit-lora-both sit-lora-both-proto all-lora-both); seeds=(1); suffix=quick; report=docs/results-quick.md
else
  order=(zero-shot rcm sit-lora-image sit-lora-both sit-lora-both-proto all-lora-both sit-adapter sit-lora-both-double-softmax)
  seeds=(1 2 3); suffix=full; report=docs/results.md
fi
scenarios=("si-blurry:n=50,m=10,tasks=5" "disjoint:tasks=5")

# Runs every scenario x seed x method of one regime: runs folder, model, holdout list, extra learn options.
protocol() {
  local runs=$1 model=$2 holdout=$3
  shift 3
  for scenario in "${scenarios[@]}"; do
    local name=${scenario%%:*}
    for seed in "${seeds[@]}"; do
      for method in "${order[@]}"; do
        local run=$runs/$name/$method/s$seed resume=()
        [[ -f $run/summary.json ]] && continue
        [[ -d $run ]] && resume=(--resume)
        mkdir -p "$(dirname "$run")"
        echo "== $runs / $name / $method / seed $seed"
        local start end
        start=$(date +%s.%N)
        # shellcheck disable=SC2086 # the method's options are split on purpose
        "${cli[@]}" learn --model "$model" --data "$spec" --holdout-classes "$holdout" "$@" \
          --scenario "$scenario,seed=$seed" --seed "$seed" ${methods[$method]} \
          --batch 64 --iters 3 --lr 5e-4 --weight-decay 1e-5 --eval-every 1000 --eval-per-class 20 \
          --checkpoint-every 10 --out "$run" "${resume[@]}"
        end=$(date +%s.%N)
        if (( ${#resume[@]} == 0 )); then
          awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }' > "$run.seconds"
        fi
      done
    done
  done
}

novel=$(pretrained models/cifar-vit-small.json)
protocol "$root/$suffix/novel" "$novel" "$novel/pretrain_classes.txt"

known=$(pretrained models/cifar-vit-small-known.json)
# The controls: the first 20 classes of the recipe's seeded class draw, never streamed.
head -n 20 "$known/pretrain_classes.txt" > "$known/control_classes.txt"
protocol "$root/$suffix/known" "$known" "$known/control_classes.txt" --skip-per-class 100

cpu="$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
common="batch 64, 3 iterations per batch, AdamW lr 5e-4, weight decay 1e-5, reset at task boundaries; anytime evaluation every 1000 \
samples on at most 20 test images per seen class; seeds ${seeds[*]} (scenario order and PET initialisation; one pretrained backbone)."
"${cli[@]}" results --runs "$root/$suffix/novel" --model "$novel" --out "$report" --plots "${report%.md}/novel" --header \
  "Generated by \`scripts/eval-cifar100.sh$( (( quick )) && echo " --quick")\` on $(date -u +%Y-%m-%d) ($cpu). **Novel vocabulary:** \
base classes: the 50 CIFAR-100 classes of \`$novel/pretrain_classes.txt\` (drawn by the recipe's class seed); stream: the other 50 \
classes' training images (500 each); $common rcm = running class means of the frozen image embeddings (--zero-shot \
--prototype-weight 1); -proto = prototype logits mixed with the text logits at weight 0.5."
"${cli[@]}" results --runs "$root/$suffix/known" --model "$known" --out "$report.known" --plots "${report%.md}/known" --header \
  "**Known vocabulary:** the backbone was pretrained on all 100 classes with their first 100 training images; the stream \
brings the other 400 images of 80 classes; the 20 classes of \`$known/control_classes.txt\` are never streamed (base before/after \
= their zero-shot accuracy); $common"
sed -e 's/^## /### /' -e '1s/^# .*/## Known vocabulary/' "$report.known" >> "$report"
rm "$report.known"
