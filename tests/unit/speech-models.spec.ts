import { describe, expect, it } from 'vitest';
import { pathInModel, pickModelFiles, pickSpeechFiles } from '../../src/state/model-folders';
import { isSpeechFolder, speechChoices } from '../../src/lib/speech/models';

const config = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];

describe('a speech model folder the user loads', () => {
  it('takes a Whisper folder, 8-bit first, with the files transformers.js reads and nothing else', () => {
    const paths = [
      ...config,
      'generation_config.json',
      'README.md',
      'onnx/encoder_model.onnx',
      'onnx/decoder_model_merged.onnx',
      'onnx/encoder_model_quantized.onnx',
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/decoder_model_merged_fp16.onnx',
    ];
    expect(pickSpeechFiles(paths)).toEqual({
      dtype: 'q8',
      keep: [
        ...config,
        'generation_config.json',
        'onnx/encoder_model_quantized.onnx',
        'onnx/decoder_model_merged_quantized.onnx',
      ],
    });
  });

  it('takes a wav2vec2 (CTC) folder, full precision when that is all there is', () => {
    expect(pickSpeechFiles([...config, 'vocab.json', 'onnx/model.onnx'])).toEqual({
      dtype: 'fp32',
      keep: [...config, 'vocab.json', 'onnx/model.onnx'],
    });
  });

  it('says what is missing instead of copying a folder that would not load', () => {
    expect(() => pickSpeechFiles(['config.json', 'onnx/model_quantized.onnx'])).toThrow(
      /lacks preprocessor_config\.json, tokenizer\.json, tokenizer_config\.json/,
    );
    // A CLIP folder is not a speech model.
    expect(() =>
      pickSpeechFiles([...config, 'onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx']),
    ).toThrow(/not a speech model/);
  });

  it('offers Whisper tiny and base, multilingual and English-only, each in a folder of its own', () => {
    expect(speechChoices.map((c) => c.repo)).toEqual([
      'Xenova/whisper-tiny',
      'Xenova/whisper-tiny.en',
      'Xenova/whisper-base',
      'Xenova/whisper-base.en',
    ]);
    expect(new Set(speechChoices.map((c) => c.folder)).size).toBe(4);
    expect(speechChoices.every((c) => isSpeechFolder(c.folder))).toBe(true);
    expect(isSpeechFolder('Xenova--clip-vit-base-patch32')).toBe(false);
  });
});

describe('model files picked without their folder paths', () => {
  const picked = (name: string, relative = '') => {
    const file = new File(['x'], name);
    Object.defineProperty(file, 'webkitRelativePath', { value: relative });
    return file;
  };

  it('keeps the path inside the folder when the picker gives one', () => {
    expect(pathInModel(picked('text_model_quantized.onnx', 'tiny-clip/onnx/text_model_quantized.onnx'))).toBe(
      'onnx/text_model_quantized.onnx',
    );
    expect(pathInModel(picked('config.json', 'tiny-clip/config.json'))).toBe('config.json');
  });

  it('puts loose ONNX files in onnx/, as on the hub, so the folder is recognised', () => {
    const paths = [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'vision_model_quantized.onnx',
      'text_model_quantized.onnx',
    ].map((name) => pathInModel(picked(name)));
    expect(pickModelFiles(paths).dtype).toBe('q8');
    expect(paths).toContain('onnx/vision_model_quantized.onnx');
  });
});
