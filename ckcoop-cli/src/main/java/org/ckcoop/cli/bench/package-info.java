/**
 * {@code ckcoop bench compare} and {@code bench matmul}: ckcoop's workloads measured side by side with
 * a PyTorch anchor ({@code tools/bench/torch_anchor.py}) in one invocation, alternating per repeat,
 * with the ratio's spread, each workload's FLOP count and the achieved fraction of the engine's
 * matmul peak. The pure parts (statistics, FLOP model, the anchor's JSON, the table) are kept apart
 * from the timed parts so that they are unit-tested without timing anything.
 */
package org.ckcoop.cli.bench;
