package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonRandom} against streams written by CPython ({@code python_random_golden.py}, whose
 * output is identical under CPython 3.6 to 3.13).
 */
class PythonRandomTest {
  static JsonNode golden;

  @BeforeAll
  static void load() throws IOException {
    golden = readGolden();
  }

  static JsonNode readGolden() throws IOException {
    try (InputStream in = PythonRandomTest.class.getResourceAsStream("python-random-golden.json")) {
      assertThat(in).as("python-random-golden.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void mersenneTwisterOutputsMatchCPythonForSmallAndHugeSeeds() {
    assertThat(golden.get("streams")).hasSize(11);
    for (JsonNode s : golden.get("streams")) {
      BigInteger seed = new BigInteger(s.get("seed").asText());
      PythonRandom random = new PythonRandom(seed);
      long[] draws = new long[1300];
      for (int i = 0; i < draws.length; i++) {
        draws[i] = random.nextUint32();
      }
      assertWindow(seed, draws, 0, s.get("uint32_first"));
      assertWindow(seed, draws, 620, s.get("uint32_620"));
      assertWindow(seed, draws, 1240, s.get("uint32_1240"));
    }
  }

  private static void assertWindow(BigInteger seed, long[] draws, int from, JsonNode expected) {
    for (int i = 0; i < expected.size(); i++) {
      assertThat(draws[from + i]).as("seed %s, draw %d", seed, from + i).isEqualTo(expected.get(i).asLong());
    }
  }

  @Test
  void getrandbitsMatchesCPythonForEveryWidth() {
    for (JsonNode s : golden.get("streams")) {
      BigInteger seed = new BigInteger(s.get("seed").asText());
      PythonRandom random = new PythonRandom(seed);
      PythonRandom same = new PythonRandom(seed);
      for (JsonNode pair : s.get("getrandbits")) {
        int k = pair.get(0).asInt();
        BigInteger expected = new BigInteger(pair.get(1).asText());
        assertThat(random.getrandbitsBig(k)).as("seed %s, getrandbits(%d)", seed, k).isEqualTo(expected);
        if (k <= 63) {
          assertThat(same.getrandbits(k)).as("long path, seed %s, k %d", seed, k).isEqualTo(expected.longValueExact());
        } else {
          same.getrandbitsBig(k);
        }
      }
    }
  }

  @Test
  void randomAndRandbelowMatchCPython() {
    for (JsonNode s : golden.get("streams")) {
      BigInteger seed = new BigInteger(s.get("seed").asText());
      PythonRandom random = new PythonRandom(seed);
      for (JsonNode f : s.get("random")) {
        assertThat(random.random()).as("seed %s", seed).isEqualTo(Double.parseDouble(f.asText()));
      }
      random = new PythonRandom(seed);
      for (JsonNode pair : s.get("randbelow")) {
        long n = Long.parseLong(pair.get(0).asText());
        assertThat(random.randbelow(n)).as("seed %s, _randbelow(%d)", seed, n).isEqualTo(Long.parseLong(pair.get(1).asText()));
      }
    }
  }

  @Test
  void sampleMatchesCPythonOnBothAlgorithms() {
    int pool = 0;
    int set = 0;
    for (JsonNode c : golden.get("sample")) {
      int n = c.get("n").asInt();
      int k = c.get("k").asInt();
      if (n <= PythonRandom.sampleSetSize(k)) {
        pool++;
      } else {
        set++;
      }
      List<Integer> population = IntStream.range(0, n).boxed().toList();
      List<Integer> drawn = new PythonRandom(c.get("seed").asLong()).sample(population, k);
      assertThat(drawn).as("seed %d, sample(range(%d), %d)", c.get("seed").asInt(), n, k).isEqualTo(ints(c.get("result")));
    }
    assertThat(pool).as("cases on the pool algorithm").isGreaterThan(30);
    assertThat(set).as("cases on the set algorithm").isGreaterThan(30);
  }

  @Test
  void setSizeRuleMatchesCPythonsFloatFormula() {
    for (JsonNode pair : golden.get("setsize")) {
      int k = pair.get(0).asInt();
      assertThat(PythonRandom.sampleSetSize(k)).as("setsize for k=%d", k).isEqualTo(pair.get(1).asLong());
    }
  }

  @Test
  void choicesMatchesCPython() {
    for (JsonNode c : golden.get("choices")) {
      int n = c.get("n").asInt();
      List<Integer> population = IntStream.range(0, n).boxed().toList();
      List<Integer> drawn = new PythonRandom(c.get("seed").asLong()).choices(population, c.get("k").asInt());
      assertThat(drawn).as("seed %d, choices(range(%d))", c.get("seed").asInt(), n).isEqualTo(ints(c.get("result")));
    }
  }

  @Test
  void negativeSeedsSeedLikeTheirAbsoluteValueAndBadArgumentsFail() {
    assertThat(new PythonRandom(-42).nextUint32()).isEqualTo(new PythonRandom(42).nextUint32());
    PythonRandom random = new PythonRandom(1);
    assertThatThrownBy(() -> random.sample(List.of(1, 2), 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Sample larger than population");
    assertThatThrownBy(() -> random.randbelow(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> random.getrandbits(64)).isInstanceOf(IllegalArgumentException.class);
  }

  static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asInt()));
    return out;
  }
}
