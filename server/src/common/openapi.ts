/**
 * OpenAPI from the shared zod schemas, so the document and the validation cannot disagree:
 * the request body and query parameters of a route are described by the very schema that
 * validates them.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** Documents a JSON body validated by `schema`, and the 400 that names a wrong field. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return applyDecorators(
    ApiBody({ schema: jsonSchemaOf(schema), description }),
    ApiBadRequestResponse({ description: '`{ statusCode: 400, error, message }`, the message naming each wrong field' }),
  );
}

/** Documents each property of an object schema as a query parameter. */
export function ApiZodQuery(schema: z.ZodType): MethodDecorator {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: required.has(name), schema: property, description: property.description as string | undefined }),
    ),
  );
}
