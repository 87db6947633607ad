// Runs an OnnxOll export's graphs in a JavaScript ONNX Runtime (onnxruntime-node or onnxruntime-web): for every case of cases.json,
// the base model (PET inputs not fed: their zero initializers; only when they have them) and, as asked, the learned PET fed as inputs (onnxruntime-node;
// onnxruntime-web refuses feeds outside session.inputNames, which leaves out inputs with an initializer) and the graph's
// .onnx_adapter activated for the run (onnxruntime-web; onnxruntime-node's JavaScript API has no LoRA adapters). Returns { graph: { inputNames, base, fed, adapter? } } with outputs as plain arrays.
// Optional PET inputs make ONNX Runtime warn for each (an initializer that is also an input); only errors are logged.
export async function runCases(ort, read, cases, { fed, adapters }) {
  const results = {};
  for (const c of cases) {
    const externalData = await Promise.all(c.externalData.map(async (path) => ({ path, data: await read(path) })));
    const session = await ort.InferenceSession.create(await read(c.model), { externalData, logSeverityLevel: 3 });
    const input = tensor(ort, c.input, await read(c.input.file));
    const result = { inputNames: session.inputNames };
    if (c.base) {
      result.base = Array.from((await session.run({ [c.input.name]: input }))[c.output].data);
    }
    if (fed) {
      const feeds = { [c.input.name]: input };
      for (const p of c.pet) {
        feeds[p.name] = tensor(ort, p, await read(p.file));
      }
      result.fed = Array.from((await session.run(feeds))[c.output].data);
    }
    if (adapters) {
      const adapter = await ort.LoraAdapter.create(await read(c.adapter));
      result.adapter = Array.from((await session.run({ [c.input.name]: input }, { activeLoraAdapters: [adapter] }))[c.output].data);
      await adapter.release();
    }
    await session.release();
    results[c.graph] = result;
  }
  return results;
}

// A tensor over a copy of the bytes (a fresh, aligned buffer), little-endian float32 or int64 as OnnxOll wrote them.
function tensor(ort, spec, bytes) {
  const buffer = bytes.slice().buffer;
  const data = spec.type === 'int64' ? new BigInt64Array(buffer) : new Float32Array(buffer);
  return new ort.Tensor(spec.type, data, spec.shape);
}
