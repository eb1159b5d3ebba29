package org.ckcoop.core.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as a state too poisoned to keep or load. */
class StateCheckTest {
  @TempDir Path dir;

  @Test
  void aSaneStateHasNoProblem() {
    Map<String, float[]> state = Map.of("ctx", new float[] {3, 4}, "dictionary", new float[] {1e6f});
    // norm 5 against an initial norm 0.5 (taken as 1) with growth 5: exactly at the limit is allowed
    assertThat(StateCheck.problem(state, Set.of("ctx"), Map.of("momentum.ctx", new float[] {1, 2}), 0.5, 5)).isNull();
    assertThat(StateCheck.norm(Map.of("a", new float[] {3}, "b", new float[] {4}))).isEqualTo(5.0);
  }

  @Test
  void growthBeyondTheLimitIsAProblemButFrozenTensorsDoNotCount() {
    Map<String, float[]> state = Map.of("ctx", new float[] {30, 40}, "dictionary", new float[] {1e30f});
    assertThat(StateCheck.problem(state, Set.of("ctx"), Map.of(), 2.0, 20))
        .isEqualTo("the learnable state's norm is 50.00, more than train.max_state_growth = 20 times its initial"
            + " norm 2.000 (at least 1)");
    assertThat(StateCheck.problem(state, Set.of("ctx"), Map.of(), 2.0, 25)).isNull();
  }

  @Test
  void nonFiniteValuesInLearnerOrOptimiserStateAreProblems() {
    Map<String, float[]> learner = new LinkedHashMap<>();
    learner.put("ctx", new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, 2});
    assertThat(StateCheck.problem(learner, Set.of("ctx"), Map.of(), 1, 1000))
        .isEqualTo("the learner's 'ctx' holds 2 non-finite values (the first, NaN, at index 1 of 4)");
    assertThat(StateCheck.problem(Map.of("ctx", new float[] {1}), Set.of("ctx"),
        Map.of("exp_avg_sq.ctx", new float[] {0, Float.NEGATIVE_INFINITY}), 1, 1000))
        .isEqualTo("the optimiser's 'exp_avg_sq.ctx' holds 1 non-finite value (the first, -Infinity, at index 1 of 2)");
  }

  @Test
  void aLearnerStateFileWithANaNIsRefusedNamingFileAndTensor() {
    Path file = dir.resolve("learner-state.safetensors");
    new LearnerStateFile("coop", Map.of(), "", List.of("a"),
        Map.of("ctx", new FloatTensor(new long[] {1, 3}, new float[] {0.1f, Float.NaN, 0.2f}))).write(file);
    assertThatThrownBy(() -> LearnerStateFile.read(file))
        .isInstanceOf(InputException.class)
        .hasMessage(file + ": tensor 'ctx' holds 1 non-finite value (the first, NaN, at index 1 of 3); a poisoned"
            + " state is never loaded (retrain, or resume from an earlier checkpoint)");
  }
}
