package org.ckcoop.core.train;

/**
 * An optional learner capability: a learner fitted in one pass on the whole training set, with its
 * hyperparameters chosen on the validation split, instead of by the trainer's epochs of gradient
 * steps (the linear probe: L-BFGS logistic regression and a search over its regularisation).
 *
 * <p>For a learner that implements it, {@link LearnerTrainer} calls {@link #fit} once instead of running
 * epochs, then writes what it writes for any run: a checkpoint (the fitted state, so that a resumed run
 * does not fit again), one line of {@code metrics.jsonl} (the fit's summary and its
 * {@link FitReport#metrics()}), {@code fit.json} (the whole {@link FitReport}), the learner state file
 * (the returned result has one history entry and the fit's metrics). The optimiser and learning-rate settings do not apply.
 * The learner's {@link org.ckcoop.core.learner.PromptLearner#trainableParameters()} may be empty: what
 * it fits is in its {@link org.ckcoop.core.learner.PromptLearner#stateTensors()}.
 */
public interface DirectFit {

  /**
   * Fits the learner's state.
   *
   * @param train the training examples ({@link TrainingData#features(int, int, float[], int)} of epoch 0:
   *     the first cached view)
   * @param validation the validation examples, or null when the training data brings none
   *     ({@link TrainingData#validation()})
   * @return what the fit did, for the run's log, metrics and result
   * @throws org.ckcoop.common.InputException when the fit needs a validation split and there is none
   */
  FitReport fit(TrainingData train, TrainingData validation);
}
