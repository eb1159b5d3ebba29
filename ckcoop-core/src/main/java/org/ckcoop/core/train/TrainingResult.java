package org.ckcoop.core.train;

import org.ckcoop.common.files.AtomicWrite;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.common.InputException;

/**
 * The outcome of training: the per-epoch history, the learner state file, and the provenance.
 *
 * @param provenance what produced this result and how to repeat it
 * @param epochs the number of epochs trained in all (across resumes)
 * @param history one summary per epoch
 * @param stateFile the final learner state file
 * @param resumed whether the run continued from a checkpoint
 */
public record TrainingResult(
    RunProvenance provenance, int epochs, List<EpochSummary> history, Path stateFile, boolean resumed) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Returns the last epoch's mean training loss. */
  public double finalLoss() {
    return history.get(history.size() - 1).loss();
  }

  /** Writes this result as JSON, atomically. */
  public void write(Path file) {
    try {
      AtomicWrite.bytes(file, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new InputException(file, "cannot write the result: " + e.getMessage(), e);
    }
  }

  /** Reads a result written by {@link #write}. */
  public static TrainingResult read(Path file) {
    try {
      return JSON.readValue(file.toFile(), TrainingResult.class);
    } catch (IOException e) {
      throw new InputException(file, "cannot read the result: " + e.getMessage(), e);
    }
  }
}
