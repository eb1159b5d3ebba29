/**
 * CLIP's byte-level BPE tokenizer, matching OpenAI's {@code clip/simple_tokenizer.py} id for id.
 *
 * <ul>
 *   <li>{@link org.ckcoop.backbone.text.ClipTokenizer}: text to ids, batches of fixed context
 *       length with {@code <|startoftext|>}/{@code <|endoftext|>}, end-token positions, decoding.
 *   <li>{@link org.ckcoop.backbone.text.BpeVocabulary}: the validated vocabulary, read from Hugging
 *       Face {@code vocab.json} + {@code merges.txt}, {@code tokenizer.json} or OpenAI's {@code
 *       bpe_simple_vocab_16e6.txt.gz}, written in Hugging Face layout, with a content identity
 *       (SHA-256) that does not depend on the file layout.
 *   <li>{@link org.ckcoop.backbone.text.BpeTrainer}: learns small vocabularies in the same format.
 * </ul>
 *
 * <p>The one deliberate difference from the reference: {@code ftfy.fix_text} is replaced by Unicode
 * NFC normalisation (plus U+FFFD for unpaired surrogates); see {@code TextCleaner}. Character
 * properties come from the JDK's Unicode tables (13.0 on Java 17).
 */
package org.ckcoop.backbone.text;
