// The supervisor layer: config, probes, engine.
