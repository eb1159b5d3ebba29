/**
 * Studies: learners x datasets x shots x seeds (x sweep points) of one protocol, run with one recipe
 * per learner on identical splits and cached features, one {@code run.json} per run.
 *
 * <p>{@link org.ckcoop.eval.study.StudyFile} reads an experiment file (format in {@code docs/eval.md})
 * into a checked {@link org.ckcoop.eval.study.Study}, whose {@link org.ckcoop.eval.study.PlannedRun}s
 * each carry a resolved config and hash; {@link org.ckcoop.eval.study.SweepGrid} adds the points of an
 * ablation. {@link org.ckcoop.eval.study.StudyRunner} runs a study, or a
 * {@link org.ckcoop.eval.study.Shard} of it, resuming where a killed process stopped, and reports to a
 * {@link org.ckcoop.eval.study.StudyListener}. The protocols are in
 * {@link org.ckcoop.eval.study.Protocol}.
 *
 * <pre>{@code
 * Study study = StudyFile.read(Path.of("experiment.yaml"), List.of("train.epochs=2"));
 * List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
 * }</pre>
 */
package org.ckcoop.eval.study;
