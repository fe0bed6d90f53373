import type { Board } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import BoardEditor from './BoardEditor.vue';
import { HttpAnswer, stubServer } from './fetch-stub';

const TEAM = { id: '7a0c8f4e-5b1d-4c3a-9e2f-0d6b8a4c2e1f', name: 'Jakarta Enterprise' };
const BOARD: Board = {
  id: 'b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
  name: 'Sales floor',
  scenes: [
    { kind: 'leaderboard', seconds: 30 },
    { kind: 'quota', seconds: 20 },
  ],
  scope: { kind: 'all' },
  sound: true,
};

function render(board: Board | null) {
  return mount(BoardEditor, { props: { board, teams: [TEAM], territories: [] }, global: { plugins: [createAppI18n('en')] } });
}

describe('BoardEditor', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('refuses scene lengths outside 5–600 s and a board without scenes, beside the field, without asking the server', async () => {
    const server = stubServer({});
    const wrapper = render(BOARD);

    await wrapper.findAll('input[name="sceneSeconds"]')[1].setValue(3);
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const seconds = wrapper.findAll('input[name="sceneSeconds"]')[1];
    expect(seconds.attributes('aria-invalid')).toBe('true');
    expect(wrapper.findAll('[data-testid="scene"]')[1].get('.field-error').text()).toBe('Between 5 and 600 whole seconds.');

    for (const remove of wrapper.findAll('[data-testid="scene"] button.secondary').reverse()) await remove.trigger('click');
    expect(wrapper.findAll('[data-testid="scene"]')).toHaveLength(0);
    expect(wrapper.get('[data-testid="scenes-error"]').text()).toBe('A board needs at least one scene.');
    expect(server.writes()).toEqual([]);
  });

  it('asks for the team of a team board before saving', async () => {
    const server = stubServer({});
    const wrapper = render(BOARD);
    await wrapper.get('select[name="scopeKind"]').setValue('team');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.text()).toContain('Pick which one.');
    expect(server.writes()).toEqual([]);
  });

  it('puts the whole board with scenes in their new order, an added scene and the team scope', async () => {
    const server = stubServer({ [`PUT /boards/${BOARD.id}`]: (body: unknown) => ({ ...(body as object), id: BOARD.id }) });
    const wrapper = render(BOARD);

    await wrapper.get('input[name="boardName"]').setValue('  Sales floor west ');
    // Quota first, then the leaderboard, then a new funnel scene of 45 s.
    await wrapper.findAll('[data-testid="scene"]')[1].get('button[aria-label="Move scene 2 up"]').trigger('click');
    await wrapper
      .findAll('button')
      .find((button) => button.text() === 'Add a scene')!
      .trigger('click');
    const added = wrapper.findAll('[data-testid="scene"]')[2];
    await added.get('select').setValue('funnel');
    await added.get('input').setValue(45);
    await wrapper.get('select[name="scopeKind"]').setValue('team');
    await wrapper.get('select[name="scopeId"]').setValue(TEAM.id);
    await wrapper.get('input[name="sound"]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(server.writes()).toEqual([
      {
        method: 'PUT',
        path: `/boards/${BOARD.id}`,
        body: {
          name: 'Sales floor west',
          scenes: [
            { kind: 'quota', seconds: 20 },
            { kind: 'leaderboard', seconds: 30 },
            { kind: 'funnel', seconds: 45 },
          ],
          scope: { kind: 'team', id: TEAM.id },
          sound: false,
        },
      },
    ]);
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: BOARD.id, name: 'Sales floor west' });
  });

  it("shows the server's 400 on the scene it names", async () => {
    stubServer({
      'POST /boards': new HttpAnswer(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'scenes.0.seconds: Too big: expected number to be <=600',
        issues: [{ path: 'scenes.0.seconds', message: 'Too big: expected number to be <=600' }],
      }),
    });
    const wrapper = render(null);
    await wrapper.get('input[name="boardName"]').setValue('Lobby');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[data-testid="board-error"]').text()).toContain('scenes.0.seconds');
    expect(wrapper.findAll('[data-testid="scene"]')[0].get('.field-error').text()).toBe('Too big: expected number to be <=600');
  });
});
