/**
 * The smallest Nest app that still walks the path a stage change takes through the HTTP layer:
 * router, a guard reading a header, JSON body parsing, a route parameter, a JSON answer. No
 * database, no validation, no logging: what is left is what the HTTP adapter and Nest's router
 * cost, which is the part a move from Express to Fastify could change.
 *
 * Run as a child by bench/http-adapter.mjs: HTTP_ADAPTER=express|fastify, PORT, TOKEN.
 * Plain JavaScript, so the decorators are applied as the functions they are.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Injectable, Module, Param, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const adapterName = process.env.HTTP_ADAPTER;
const port = Number(process.env.PORT);
const expected = `Bearer ${process.env.TOKEN}`;

/** Stands in for the real bearer guard: reads the header through the adapter's request object. */
class TokenGuard {
  canActivate(context) {
    return context.switchToHttp().getRequest().headers.authorization === expected;
  }
}
Injectable()(TokenGuard);

class DealsController {
  moveStage(id, body) {
    return { dealId: id, stage: body.stage, accepted: true };
  }
}
const proto = DealsController.prototype;
const moveStage = Object.getOwnPropertyDescriptor(proto, 'moveStage');
Param('id')(proto, 'moveStage', 0);
Body()(proto, 'moveStage', 1);
for (const decorate of [Post(':id/stage'), HttpCode(200), UseGuards(TokenGuard)]) decorate(proto, 'moveStage', moveStage);
Controller('api/deals')(DealsController);

class ProbeModule {}
Module({ controllers: [DealsController], providers: [TokenGuard] })(ProbeModule);

async function adapter() {
  if (adapterName === 'express') return undefined; // Nest's default: platform-express with its JSON body parser
  if (adapterName === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return new FastifyAdapter();
  }
  throw new Error(`HTTP_ADAPTER must be express or fastify, got ${adapterName}`);
}

const chosen = await adapter();
const app = chosen ? await NestFactory.create(ProbeModule, chosen, { logger: false }) : await NestFactory.create(ProbeModule, { logger: false });
await app.listen(port, '127.0.0.1');
process.send?.('ready');
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
