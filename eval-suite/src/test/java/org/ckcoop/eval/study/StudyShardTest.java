package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards slice the run list deterministically and together produce what one unsharded run produces. */
class StudyShardTest {
  @TempDir Path dir;

  @Test
  void shardsAreContiguousSlicesThatCoverEveryRunOnce() {
    List<Integer> runs = List.of(0, 1, 2, 3, 4, 5, 6);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.addAll(new Shard(i, 3).select(runs));
    }
    assertThat(all).isEqualTo(runs);
    assertThat(new Shard(0, 3).select(runs)).containsExactly(0, 1);
    assertThat(new Shard(2, 3).select(runs)).containsExactly(4, 5, 6);
    assertThat(new Shard(3, 4).select(List.of(0, 1))).containsExactly(1);
    assertThat(new Shard(0, 4).select(List.of(0, 1))).isEmpty();
    assertThat(Shard.parse(" 1/4 ")).isEqualTo(new Shard(1, 4));
    assertThat(Shard.ALL.select(runs)).isEqualTo(runs);
  }

  @Test
  void shardParsingErrorsSayWhatIsExpected() {
    assertThatThrownBy(() -> Shard.parse("2/2")).isInstanceOf(InputException.class)
        .hasMessage("--shard 2/2: expected i/n with n >= 1 and 0 <= i < n (shards are numbered from 0, as"
            + " SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are)");
    assertThatThrownBy(() -> Shard.parse("-1/2")).hasMessageStartingWith("--shard -1/2: expected i/n");
    assertThatThrownBy(() -> Shard.parse("0/0")).hasMessageStartingWith("--shard 0/0: expected i/n");
    assertThatThrownBy(() -> Shard.parse("1")).hasMessage("--shard '1': expected i/n, e.g. 0/4 for the first of four shards");
    assertThatThrownBy(() -> Shard.parse("a/b")).hasMessage("--shard 'a/b': expected i/n with whole numbers, e.g. 0/4");
  }

  @Test
  void twoConcurrentShardsWriteTheSameResultsAsOneUnshardedRun() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    List<String> overrides = List.of("study.learners=zsclip", "study.seeds=1,2,3");
    Study sharded = StudyFile.read(experiment, overrides);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<RunResult> fromShards = new ArrayList<>();
    try {
      List<Future<List<RunResult>>> shards = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        StudyOptions options = new StudyOptions(new Shard(i, 2));
        shards.add(pool.submit(() -> StudyRunner.run(sharded, options, StudyListener.NONE)));
      }
      assertThat(shards.get(0).get()).extracting(RunResult::seed).containsExactly(1L);
      assertThat(shards.get(1).get()).extracting(RunResult::seed).containsExactly(2L, 3L);
      fromShards.addAll(shards.get(0).get());
      fromShards.addAll(shards.get(1).get());
    } finally {
      pool.shutdownNow();
    }
    List<String> alone = new ArrayList<>(overrides);
    alone.add("study.output=" + dir.resolve("unsharded"));
    alone.add("study.cache=" + dir.resolve("cache-unsharded"));
    List<RunResult> unsharded = StudyRunner.run(StudyFile.read(experiment, alone), StudyOptions.defaults(),
        StudyListener.NONE);
    assertThat(StudyFixture.runFiles(dir.resolve("out")))
        .containsExactly("base2new/zsclip/shapes/shots2/seed1/run.json", "base2new/zsclip/shapes/shots2/seed2/run.json",
            "base2new/zsclip/shapes/shots2/seed3/run.json")
        .isEqualTo(StudyFixture.runFiles(dir.resolve("unsharded")));
    for (int i = 0; i < 3; i++) {
      assertThat(fromShards.get(i).tests()).isEqualTo(unsharded.get(i).tests());
      assertThat(fromShards.get(i).provenance().configHash()).isEqualTo(unsharded.get(i).provenance().configHash());
      assertThat(fromShards.get(i).provenance().dataIdentity()).isEqualTo(unsharded.get(i).provenance().dataIdentity());
    }
  }
}
