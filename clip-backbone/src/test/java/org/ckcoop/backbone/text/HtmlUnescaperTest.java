package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HtmlUnescaper} against outputs of CPython 3.11's {@code html.unescape}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HtmlUnescaperTest {
  /** Input, then {@code html.unescape(input)} as printed by Python. */
  private static final String[][] PYTHON = {
      {"&amp;", "&"},
      {"&amp;amp;", "&amp;"},
      {"&AMP", "&"},
      {"&Amp;", "&Amp;"},
      {"&ampxyz", "&xyz"},
      {"&ampxyz;", "&xyz;"},
      {"&amp", "&"},
      {"&lt", "<"},
      {"&ltx", "<x"},
      {"&gt1", ">1"},
      {"&notit;", "\u00acit;"},
      {"&notin;", "\u2209"},
      {"&noti", "\u00aci"},
      {"&Eacute", "\u00c9"},
      {"&eacutex", "\u00e9x"},
      {"&NotEqualTilde;", "\u2242\u0338"},
      {"&#65;&#66", "AB"},
      {"&#x41", "A"},
      {"&#X6a;", "j"},
      {"&#0;", "\ufffd"},
      {"&#13;", "\r"},
      {"&#128;", "\u20ac"},
      {"&#x81;", "\u0081"},
      {"&#x9F;", "\u0178"},
      {"&#xD800;", "\ufffd"},
      {"&#1114111;", ""},
      {"&#1114112;", "\ufffd"},
      {"&#99999999999999999999;", "\ufffd"},
      {"&#xFFFE;", ""},
      {"&#x10FFFF;", ""},
      {"&#xFDD0;", ""},
      {"&#11;", ""},
      {"&#1;", ""},
      {"&#x1F600;", "\ud83d\ude00"},
      {"&#0000065;", "A"},
      {"&#xg", "&#xg"},
      {"&#;", "&#;"},
      {"&#", "&#"},
      {"&;", "&;"},
      {"&", "&"},
      {"& amp;", "& amp;"},
      {"&&amp;", "&&"},
      {"&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaamp;", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaamp;"},
      {"&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;"},
      {"&\u00e9lan;", "&\u00e9lan;"},
      {"a&b&c", "a&b&c"},
      {"&lt;&gt;", "<>"},
      {"&copy2024", "\u00a92024"},
      {"&Tab;", "\t"},
      {"&nbsp", "\u00a0"},
      {"&\ud83d\ude00;", "&\ud83d\ude00;"},
      {"&amp\ud83d\ude00", "&\ud83d\ude00"},
  };

  @Test
  void matchesPythonHtmlUnescape() {
    for (String[] c : PYTHON) {
      assertThat(HtmlUnescaper.unescape(c[0])).as(ReferenceCases.escape(c[0])).isEqualTo(c[1]);
    }
  }

  @Test
  void entityTableIsComplete() {
    assertThat(HtmlUnescaper.entityCount()).isEqualTo(2231);
  }

  @Test
  void replacementTextIsNotRescanned() {
    assertThat(HtmlUnescaper.unescape("&amp;lt;")).isEqualTo("&lt;");
    assertThat(HtmlUnescaper.unescape(HtmlUnescaper.unescape("&amp;lt;"))).isEqualTo("<");
    assertThat(HtmlUnescaper.unescape("$1 \\ &amp; $2")).isEqualTo("$1 \\ & $2");
  }

  @Test
  void textWithoutReferencesIsReturnedAsIs() {
    String s = "no references here";
    assertThat(HtmlUnescaper.unescape(s)).isSameAs(s);
  }
}
