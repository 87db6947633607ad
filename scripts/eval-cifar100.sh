#!/usr/bin/env bash
# The CIFAR-100 protocol in two regimes, both scenarios (Si-Blurry N=50 M=10 and disjoint, 5 tasks), several methods and seeds:
#   novel vocabulary  pretrain models/cifar-vit-small.json on 50 base classes, stream the other 50 (their names are new words);
#                     the 50 base classes' test images measure retention.
#   known vocabulary  pretrain models/cifar-vit-small-known.json on all 100 classes with the first 100 training images of each,
#                     stream the other 400 images of 80 classes; 20 classes never streamed are the retention controls.
# Reference rows in every table: zero-shot, running class means (rcm: online class means of the frozen image embeddings),
# the linear probe (offline, frozen features) and joint LoRA (offline, 3 epochs over the whole stream).
#   scripts/eval-cifar100.sh           every method, 3 seeds, both regimes; writes docs/results.md (plots in docs/results/)
#   scripts/eval-cifar100.sh --quick   1 seed, the reference rows, learn's defaults and SIT-LoRA at the paper's settings;
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
# block, B zero-initialised; the bottleneck adapter as in the paper (64, ReLU, dropout 0.1, scale 0.1). "default" is learn's
# own defaults (chosen on validation data: docs/learner-defaults.md). $reference is the regime's known class names (the
# distillation's reference vocabulary).
lora_both="lora:r=4,alpha=1,towers=both,targets=qkv+o"
# Every method but "default" turns learn's default mechanisms off (method_options) except those it names.
off="--prototype-weight 0 --seen-weight 0 --text-offset-lr 0"
declare -A methods=(
  [zero-shot]="--zero-shot --pet $lora_both"
  [rcm]="--zero-shot --prototype-weight 1 --pet $lora_both"
  [default]=""
  [sit-lora-image]="--lr 5e-4 --loss sit --pet lora:r=4,alpha=1,towers=image,targets=qkv+o"
  [sit-lora-both]="--lr 5e-4 --loss sit --pet $lora_both"
  [sit-lora-both-proto]="--lr 5e-5 --loss sit --prototype-weight 0.9 --pet $lora_both"
  [sit-seen]="--lr 5e-4 --loss sit --seen-weight 0.5 --pet $lora_both"
  [sit-distill]="--lr 5e-4 --loss sit --distill 1 --distill-classes \$reference --pet $lora_both"
  [sit-offsets]="--lr 1e-6 --loss sit --text-offset-lr 1e-2 --pet $lora_both"
  [all-lora-both]="--lr 5e-4 --loss all --pet $lora_both"
  [sit-adapter]="--lr 5e-4 --loss sit --dropout --pet adapter:dim=64,scale=0.1,dropout=0.1,towers=both"
  [sit-lora-both-double-softmax]="--lr 5e-4 --loss sit --compat-double-softmax --pet $lora_both"
  [sit-replay]="--lr 5e-4 --loss sit --pet $lora_both --method replay:memory=500,loss=sit"
  [all-replay]="--lr 5e-4 --loss sit --pet $lora_both --method replay:memory=500,loss=all"
  [online-lora]="--lr 5e-4 --loss sit --pet $lora_both --method online-lora"
  [sit-ddas]="--lr 5e-4 --loss sit --pet $lora_both --method ddas"
  [default-ddas]="--method ddas"
  [sit-class-vocabulary]="--lr 5e-4 --loss sit --text-offset-lr 1e-2 --pet $lora_both --method class-vocabulary"
  [moe]="--lr 5e-4 --loss sit --pet none --method moe:experts=4,topk=2,bottleneck=64"
  [moe-ddas]="--lr 5e-4 --loss sit --pet none --method moe:experts=4,topk=2,bottleneck=64 --method ddas"
)
if (( quick )); then
  order=(zero-shot rcm default sit-lora-both); seeds=(1); suffix=quick; report=docs/results-quick.md
else
  order=(zero-shot rcm default sit-lora-image sit-lora-both sit-lora-both-proto sit-seen sit-distill sit-offsets all-lora-both sit-adapter
    sit-lora-both-double-softmax sit-replay all-replay online-lora sit-ddas default-ddas sit-class-vocabulary moe moe-ddas)
  seeds=(1 2 3); suffix=full; report=docs/results.md
fi
# ONNXOLL_METHODS="rcm default" runs only those methods (the page is written from every finished run).
[[ -n ${ONNXOLL_METHODS:-} ]] && read -ra order <<< "$ONNXOLL_METHODS"
scenarios=("si-blurry:n=50,m=10,tasks=5" "disjoint:tasks=5")
learn_common=(--batch 64 --iters 3 --weight-decay 1e-5 --eval-per-class 20 --checkpoint-every 10)

# A method's learn options: its own, plus 0 for each of learn's default mechanisms it does not name ("default*" keeps them).
method_options() {
  local method=$1 options flag
  options=$(eval echo "${methods[$method]}")
  if [[ $method != default* ]]; then
    for flag in --prototype-weight --seen-weight --text-offset-lr; do
      [[ " $options " == *" $flag "* ]] || options="$flag 0 $options"
    done
  fi
  echo "$options"
}

# Times a command into <run>.seconds unless it resumes.
timed() {
  local run=$1 fresh=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  if (( fresh )); then
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }' > "$run.seconds"
  fi
}

# The scenario-free reference rows of one regime (runs folder, model, holdout list, extra options), run once per seed and copied
# into every scenario's table: probe (linear probe on the frozen features of the whole stream) and joint-lora (LoRA trained
# offline on the whole stream, 3 epochs, softmax over every class, i.e. the PET's ceiling).
references() {
  local runs=$1 model=$2 holdout=$3
  shift 3
  for seed in "${seeds[@]}"; do
    local probe=$runs-reference/probe/s$seed joint=$runs-reference/joint-lora/s$seed
    mkdir -p "$(dirname "$probe")" "$(dirname "$joint")"
    [[ -f $probe/summary.json ]] || timed "$probe" 1 "${cli[@]}" probe --model "$model" --data "$spec" --holdout-classes "$holdout" "$@" \
      --eval-per-class 20 --seed "$seed" --out "$probe"
    if [[ ! -f $joint/summary.json ]]; then
      local resume=()
      [[ -d $joint ]] && resume=(--resume)
      timed "$joint" $(( ${#resume[@]} == 0 )) "${cli[@]}" learn --model "$model" --data "$spec" --holdout-classes "$holdout" "$@" \
        --scenario "iid:epochs=3,seed=$seed" --seed "$seed" $off --lr 5e-4 --loss all --pet "$lora_both" "${learn_common[@]}" --eval-every 0 \
        --out "$joint" "${resume[@]}"
    fi
    for scenario in "${scenarios[@]}"; do
      for row in probe joint-lora; do
        local into=$runs/${scenario%%:*}/$row/s$seed
        [[ -d $into ]] || { mkdir -p "$(dirname "$into")"; cp -r "$runs-reference/$row/s$seed" "$into"; cp "$runs-reference/$row/s$seed.seconds" "$into.seconds"; }
      done
    done
  done
}

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
        # shellcheck disable=SC2086 # the method's options are split on purpose
        timed "$run" $(( ${#resume[@]} == 0 )) "${cli[@]}" learn --model "$model" --data "$spec" --holdout-classes "$holdout" "$@" \
          --scenario "$scenario,seed=$seed" --seed "$seed" $(method_options "$method") "${learn_common[@]}" --eval-every 1000 --out "$run" "${resume[@]}"
      done
    done
  done
  references "$runs" "$model" "$holdout" "$@"
}

novel=$(pretrained models/cifar-vit-small.json)
reference=$novel/pretrain_classes.txt
protocol "$root/$suffix/novel" "$novel" "$novel/pretrain_classes.txt"

known=$(pretrained models/cifar-vit-small-known.json)
# The controls: the first 20 classes of the recipe's seeded class draw, never streamed.
head -n 20 "$known/pretrain_classes.txt" > "$known/control_classes.txt"
reference=$known/pretrain_classes.txt
protocol "$root/$suffix/known" "$known" "$known/control_classes.txt" --skip-per-class 100

cpu="$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
common="batch 64, 3 iterations per batch, AdamW (lr 5e-4 unless the method says otherwise), weight decay 1e-5, reset at task boundaries; anytime evaluation every 1000 \
samples on at most 20 test images per seen class; seeds ${seeds[*]} (scenario order and PET initialisation; one pretrained backbone)."
"${cli[@]}" results --runs "$root/$suffix/novel" --model "$novel" --out "$report" --plots "${report%.md}/novel" --header \
  "Generated by \`scripts/eval-cifar100.sh$( (( quick )) && echo " --quick")\` on $(date -u +%Y-%m-%d) ($cpu). **Novel vocabulary:** \
base classes: the 50 CIFAR-100 classes of \`$novel/pretrain_classes.txt\` (drawn by the recipe's class seed); stream: the other 50 \
classes' training images (500 each); $common rcm = running class means of the frozen image embeddings (--zero-shot \
--prototype-weight 1); probe = linear probe on the frozen features of the whole stream; joint-lora = LoRA trained offline on the \
whole stream (3 epochs, all-class softmax); default = learn's defaults; -proto = SIT-LoRA at lr 5e-5 with prototype logits at weight 0.9."
"${cli[@]}" results --runs "$root/$suffix/known" --model "$known" --out "$report.known" --plots "${report%.md}/known" --header \
  "**Known vocabulary:** the backbone was pretrained on all 100 classes with their first 100 training images; the stream \
brings the other 400 images of 80 classes; the 20 classes of \`$known/control_classes.txt\` are never streamed (base before/after \
= their zero-shot accuracy); $common"
sed -e 's/^## /### /' -e '1s/^# .*/## Known vocabulary/' "$report.known" >> "$report"
rm "$report.known"
