/**
 * The multipart upload of an import, streamed: busboy hands over the file part as a stream the
 * moment it starts, so the file is never held in memory. The small fields must come before the
 * file (as browsers' FormData and `curl -F` send them in the order given): a field after the
 * file arrives when the rows are already written.
 */
import type { Readable } from 'node:stream';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { badField } from '../../common/errors.js';

/** Larger files are refused part-way; at 5,000+ rows/s a file this size imports in a few minutes. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;
/** How a second file part is named among the late parts. */
export const SECOND_FILE = 'a second file';

export interface CsvUpload {
  fields: Map<string, string>;
  fileName: string | null;
  file: Readable;
  /** Form fields that came after the file, and SECOND_FILE when another file did: too late to apply. */
  lateFields: string[];
  /** Stops reading the request; what is left of the body is read and discarded. */
  abandon(): void;
}

export class FileTooLargeError extends PayloadTooLargeException {
  constructor() {
    super({ statusCode: 413, error: 'Payload Too Large', message: `file: larger than the limit of ${MAX_IMPORT_BYTES / 1024 / 1024} MB` });
  }
}

/** Resolves when the `file` part starts, with the fields sent before it. */
export function receiveCsv(request: Request, knownFields: readonly string[]): Promise<CsvUpload> {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      new UnsupportedMediaTypeException({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `Content-Type: must be multipart/form-data with the CSV in a part named "file" (got ${type || 'none'})`,
      }),
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      // busboy emits 'partsLimit' on reaching the limit, after the last allowed part (the file) has
      // ended, not on exceeding it: the limit is one above the parts allowed, or every upload with all
      // its fields would fail (and the error, landing on a file stream already read, crashed the process).
      limits: { files: 1, fields: knownFields.length, fieldSize: MAX_FIELD_BYTES, fileSize: MAX_IMPORT_BYTES, parts: knownFields.length + 2 },
    });
  } catch (error) {
    return Promise.reject(badField('Content-Type', `is not a usable multipart/form-data header (${error instanceof Error ? error.message : String(error)})`));
  }

  const abandon = () => {
    request.unpipe(parser);
    request.resume();
  };
  return new Promise<CsvUpload>((resolve, reject) => {
    const fields = new Map<string, string>();
    const lateFields: string[] = [];
    let file: Readable | null = null;
    const fail = (error: HttpException) => {
      // Once the file has been read to its end nobody listens to it any more: an error emitted on
      // it then would be unhandled and end the process. What came after the file is ignored instead.
      if (file) return void (file.readableEnded || file.destroyed ? undefined : file.destroy(error));
      abandon();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (file) return void lateFields.push(name);
      if (!knownFields.includes(name)) return fail(badField(name, `is not a form field of an import (expected ${['file', ...knownFields].join(', ')})`));
      if (info.valueTruncated) return fail(badField(name, `larger than ${MAX_FIELD_BYTES / 1024} KB`));
      fields.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(badField(name, 'is not a form field of an import: send the CSV as the part named "file"'));
      }
      stream.on('limit', () => stream.destroy(new FileTooLargeError()));
      file = stream;
      resolve({ fields, fileName: info.filename ?? null, file: stream, lateFields, abandon });
    });
    // A second file arrives after the first was imported, or while it is: it is left out and the job says so.
    parser.on('filesLimit', () => (file ? void lateFields.push(SECOND_FILE) : fail(badField('file', 'only one file per import'))));
    parser.on('fieldsLimit', () => fail(badField('body', `at most ${knownFields.length} form fields besides the file`)));
    parser.on('partsLimit', () => fail(badField('body', 'too many form parts')));
    parser.on('error', (error: Error) =>
      fail(new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `body: is not valid multipart/form-data (${error.message})` })),
    );
    parser.on('close', () => {
      if (!file) fail(badField('file', 'is required: send the CSV as a multipart part named "file"'));
    });
    request.on('aborted', () => fail(badField('body', 'the upload was aborted')));
    request.pipe(parser);
  });
}
