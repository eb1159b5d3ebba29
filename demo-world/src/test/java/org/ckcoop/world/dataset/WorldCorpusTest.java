package org.ckcoop.world.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.ckcoop.backbone.image.RgbImage;
import org.ckcoop.world.CaptionedImages;
import org.junit.jupiter.api.Test;

/** The pretraining corpus: any example alone equals the same example in a sequence, on any thread. */
class WorldCorpusTest {

  @Test
  void anExampleAloneEqualsTheSameExampleInASequence() {
    CaptionedImages corpus = new WorldCorpus(5, 32);
    List<RgbImage> sequence = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sequence.add(corpus.image(i));
      captions.add(corpus.caption(i));
    }
    CaptionedImages fresh = new WorldCorpus(5, 32);
    assertThat(fresh.image(37)).isEqualTo(sequence.get(37));
    assertThat(fresh.caption(37)).isEqualTo(captions.get(37));
    List<RgbImage> parallel = IntStream.range(0, 40).parallel().mapToObj(i -> fresh.image(i)).toList();
    assertThat(parallel).isEqualTo(sequence);
    assertThat(corpus.image(1)).isNotEqualTo(corpus.image(2));
  }

  @Test
  void seedsAndSizesMatter() {
    WorldCorpus a = new WorldCorpus(1, 32);
    WorldCorpus b = new WorldCorpus(2, 32);
    int sameCaptions = 0;
    for (int i = 0; i < 50; i++) {
      assertThat(a.image(i)).isNotEqualTo(b.image(i));
      sameCaptions += a.caption(i).equals(b.caption(i)) ? 1 : 0;
    }
    assertThat(sameCaptions).isLessThan(5);
    WorldCorpus big = new WorldCorpus(1, 48);
    assertThat(big.imageSize()).isEqualTo(48);
    assertThat(big.image(3).width()).isEqualTo(48);
    assertThat(big.scene(3)).isEqualTo(a.scene(3));
    assertThat(big.caption(3)).isEqualTo(a.caption(3));
    assertThatThrownBy(() -> new WorldCorpus(1, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.image(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
