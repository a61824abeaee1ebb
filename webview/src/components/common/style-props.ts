/**
 * styleProps({ width: '40%' }): sets inline CSS properties through the CSSOM (element.style.setProperty), which a
 * CSP without 'unsafe-inline' allows. Lit's styleMap writes a style="" attribute on first render, which such a
 * CSP blocks (style-src-attr). Use it as an element binding: <div ${styleProps({ height: '10px' })}>.
 */
import { noChange } from 'lit';
import { Directive, directive, ElementPart, PartInfo, PartType } from 'lit/directive.js';

export type StyleProps = Record<string, string | undefined>;

class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('styleProps() is an element binding: <div ${styleProps({...})}>');
  }

  render(_props: StyleProps): unknown {
    return noChange;
  }

  override update(part: ElementPart, [props]: [StyleProps]): unknown {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) if (props[name] === undefined) style.removeProperty(name);
    this.previous = new Set();
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
      this.previous.add(name);
    }
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
